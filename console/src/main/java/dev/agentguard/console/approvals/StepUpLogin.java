package dev.agentguard.console.approvals;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.agentguard.api.v1alpha1.StepUp;

/**
 * Where a viewer goes to log in again for a step-up: the approvals page, with the OIDC
 * parameters that make the provider ask for the login the policy wants. The console forwards
 * {@code max_age} and {@code acr_values} from this URL to the provider's authorization request.
 */
final class StepUpLogin {

    private StepUpLogin() {
    }

    static URI uri(String request, StepUp stepUp) {
        List<String> query = new ArrayList<>();
        // No step-up (or one without max_age) still means "log me in again": max_age=0 makes the
        // provider ask, rather than hand back the session it has.
        query.add("max_age=" + (stepUp == null || stepUp.maxAgeSeconds() == null ? 0 : stepUp.maxAgeSeconds()));
        if (stepUp != null && stepUp.acrValues() != null && !stepUp.acrValues().isEmpty()) {
            query.add("acr_values=" + URLEncoder.encode(String.join(" ", stepUp.acrValues()), StandardCharsets.UTF_8));
        }
        return URI.create("/approvals?" + String.join("&", query) + "#request-"
                + URLEncoder.encode(request, StandardCharsets.UTF_8));
    }
}

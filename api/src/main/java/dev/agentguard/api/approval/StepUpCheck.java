package dev.agentguard.api.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.agentguard.api.v1alpha1.StepUp;

/**
 * Whether an approver's login meets a policy's {@link StepUp} requirement.
 *
 * <p>The webhook never sees the approver's token, only the user the API server authenticated. The API
 * server's AuthenticationConfiguration maps the token's {@code auth_time} and {@code acr} claims into the
 * user extra {@value #AUTH_TIME_EXTRA} and {@value #ACR_EXTRA} (see docs/approvals.md); a credential without
 * them (a client certificate, a ServiceAccount token, an OIDC token without the claim) cannot meet a
 * requirement that needs them. Each refusal is one line that tells the human what to do.
 *
 * <p>The approvals webhook enforces it. The console runs the same check on the ID token it holds, only to
 * tell the human before they click and to offer the fresh login the webhook will ask for.
 */
public final class StepUpCheck {

    public static final String AUTH_TIME_EXTRA = "agentguard.dev/auth-time";
    public static final String ACR_EXTRA = "agentguard.dev/acr";
    /**
     * How far an auth_time may lie ahead of the webhook's clock (the OIDC provider's clock may run ahead of
     * the cluster's). Only this direction is allowed for: a login older than max_age is refused to the second,
     * as an OIDC provider does with max_age.
     */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(10);
    // Seconds since the epoch, as the API server's mapping writes it; 12 digits reach far past year 9999.
    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]{1,12}");

    private StepUpCheck() {
    }

    /** Why this user may not approve under {@code required}, or empty if the login meets it. */
    public static Optional<String> refusal(StepUp required, Map<String, List<String>> extra, Instant now) {
        if (required == null) {
            return Optional.empty();
        }
        Map<String, List<String>> values = extra == null ? Map.of() : extra;
        if (required.maxAgeSeconds() != null) {
            Optional<String> tooOld = loginAge(required.maxAgeSeconds(), values.get(AUTH_TIME_EXTRA), now);
            if (tooOld.isPresent()) {
                return tooOld;
            }
        }
        if (required.acrValues() != null && !required.acrValues().isEmpty()) {
            return acr(required.acrValues(), values.get(ACR_EXTRA));
        }
        return Optional.empty();
    }

    private static Optional<String> loginAge(int maxAge, List<String> authTimes, Instant now) {
        String requires = "this policy requires a login within " + maxAge + "s to approve; ";
        if (authTimes == null || authTimes.isEmpty()) {
            return Optional.of(requires + "your credentials carry no login time (OIDC auth_time): approve with an"
                    + " OIDC login through an API server that maps auth_time to " + AUTH_TIME_EXTRA);
        }
        if (authTimes.size() > 1) {
            // One token has one auth_time: several values did not come from the documented mapping.
            return Optional.of(requires + "your credentials carry " + authTimes.size() + " login times in "
                    + AUTH_TIME_EXTRA + ", expected one");
        }
        String value = authTimes.get(0);
        if (!EPOCH_SECONDS.matcher(value).matches()) {
            return Optional.of(requires + "your credentials' login time '" + value + "' in " + AUTH_TIME_EXTRA
                    + " is not decimal seconds since the epoch");
        }
        long age = now.getEpochSecond() - Long.parseLong(value);
        if (-age > CLOCK_SKEW.toSeconds()) {
            return Optional.of(requires + "your login time is " + -age + "s in the future: check the clocks of"
                    + " the OIDC provider and the cluster");
        }
        if (age > maxAge) {
            return Optional.of(requires + "your login is " + age + "s old; log in again (max_age=" + maxAge + ")");
        }
        return Optional.empty();
    }

    private static Optional<String> acr(List<String> accepted, List<String> acrs) {
        String requires = "this policy requires a login with acr " + String.join(" or ", accepted) + " to approve; ";
        if (acrs == null || acrs.isEmpty()) {
            return Optional.of(requires + "your credentials carry no acr (OIDC acr): log in again with one of"
                    + " them (acr_values=" + String.join(" ", accepted) + ")");
        }
        if (acrs.size() > 1) {
            return Optional.of(requires + "your credentials carry " + acrs.size() + " acr values in " + ACR_EXTRA
                    + ", expected one");
        }
        if (!accepted.contains(acrs.get(0))) {
            return Optional.of(requires + "your login has acr " + acrs.get(0) + ": log in again with a stronger"
                    + " method (acr_values=" + String.join(" ", accepted) + ")");
        }
        return Optional.empty();
    }
}

package dev.agentguard.webhook.policy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;

/** Building AdmissionResponses: allowed, refused with a message kubectl prints, or allowed with a JSON patch. */
final class Reviews {

    private Reviews() {
    }

    static AdmissionResponse allow(AdmissionRequest request) {
        return new AdmissionResponseBuilder().withUid(request.getUid()).withAllowed(true).build();
    }

    static AdmissionResponse refuse(AdmissionRequest request, String message) {
        return new AdmissionResponseBuilder().withUid(request.getUid()).withAllowed(false)
                .withStatus(new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
                        .withMessage(message).build())
                .build();
    }

    static AdmissionResponse patch(AdmissionRequest request, String jsonPatch) {
        return new AdmissionResponseBuilder().withUid(request.getUid()).withAllowed(true).withPatchType("JSONPatch")
                .withPatch(Base64.getEncoder().encodeToString(jsonPatch.getBytes(StandardCharsets.UTF_8))).build();
    }
}

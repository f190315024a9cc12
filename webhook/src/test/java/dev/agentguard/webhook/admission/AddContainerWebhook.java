package dev.agentguard.webhook.admission;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A second mutating webhook, served only in tests, that appends a container
 * after agentguard has run, as a service mesh or a monitoring agent would. The
 * API server must then re-invoke agentguard (reinvocationPolicy: IfNeeded).
 */
@Path("/test/add-container")
public class AddContainerWebhook {

    static final String LATE_CONTAINER = "late-sidecar";
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    @POST
    public String review(String body) {
        AdmissionReview review = serialization.unmarshal(body, AdmissionReview.class);
        String patch = """
                [{"op":"add","path":"/spec/containers/-","value":{"name":"%s","image":"registry.invalid/late:1"}}]
                """.formatted(LATE_CONTAINER);
        boolean alreadyAdded = body.contains("\"" + LATE_CONTAINER + "\"");
        var response = new AdmissionResponseBuilder().withUid(review.getRequest().getUid()).withAllowed(true);
        if (!alreadyAdded) {
            response.withPatchType("JSONPatch")
                    .withPatch(Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
        }
        return serialization.asJson(new AdmissionReviewBuilder().withResponse(response.build()).build());
    }
}

package dev.agentguard.webhook.admission;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.webhook.admission.AdmissionController;

/**
 * The HTTPS endpoint the API server calls with {@code admission.k8s.io/v1}
 * AdmissionReviews. Input that is not an AdmissionReview gets a 400 with a
 * {@code Status} body saying why; nothing here answers with a stack trace.
 */
@Path("/mutate-pods")
public class AdmissionEndpoint {

    private static final Logger LOG = Logger.getLogger(AdmissionEndpoint.class);
    private static final String API_VERSION = "admission.k8s.io/v1";

    private final AdmissionController<Pod> controller;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public AdmissionEndpoint(PodAdmission podAdmission) {
        this.controller = new AdmissionController<>(podAdmission);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response review(String body) {
        AdmissionReview review;
        try {
            review = serialization.unmarshal(body, AdmissionReview.class);
        } catch (RuntimeException e) {
            return badRequest("the body is not a valid AdmissionReview: " + rootMessage(e));
        }
        if (review == null || !API_VERSION.equals(review.getApiVersion())
                || !"AdmissionReview".equals(review.getKind())) {
            return badRequest("expected kind AdmissionReview of apiVersion " + API_VERSION);
        }
        if (review.getRequest() == null || review.getRequest().getUid() == null) {
            return badRequest("the AdmissionReview has no request or no request.uid");
        }
        try {
            return Response.ok(serialization.asJson(controller.handle(review))).build();
        } catch (RuntimeException e) {
            // A bug of ours must still fail closed with a message, not a 500 page.
            LOG.errorf(e, "admission of request %s failed", review.getRequest().getUid());
            return badRequest("the agentguard webhook could not process this pod: " + rootMessage(e));
        }
    }

    private Response badRequest(String message) {
        Status status = new StatusBuilder().withStatus("Failure").withCode(400).withReason("BadRequest")
                .withMessage(message).build();
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(serialization.asJson(status)).build();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Parser messages quote the input; keep the first line only.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

package dev.agentguard.webhook.policy;

import java.time.Clock;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import dev.agentguard.webhook.injection.InjectionConfig;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Admission of agentguard's own resources: {@code /validate-policies} (policies must compile),
 * {@code /validate-approvals} and {@code /mutate-approvals} (who may decide an ApprovalRequest, and
 * recording who did). Malformed reviews get a 400 with a {@code Status}; a failure of ours refuses.
 */
@Path("/")
public class PolicyEndpoints {

    private static final Logger LOG = Logger.getLogger(PolicyEndpoints.class);
    private static final String API_VERSION = "admission.k8s.io/v1";

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final PolicyValidation policies = new PolicyValidation(serialization);
    private final ApprovalAdmission approvals;

    public PolicyEndpoints(KubernetesClient client, InjectionConfig config) {
        this.approvals = new ApprovalAdmission(client, serialization, Clock.systemUTC(), config.systemNamespace());
    }

    @POST
    @Path("validate-policies")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response validatePolicies(String body) {
        return handle(body, policies::review);
    }

    @POST
    @Path("validate-approvals")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response validateApprovals(String body) {
        return handle(body, approvals::validate);
    }

    @POST
    @Path("mutate-approvals")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response mutateApprovals(String body) {
        return handle(body, approvals::stampDecider);
    }

    private Response handle(String body, Function<AdmissionRequest, AdmissionResponse> decide) {
        AdmissionReview review;
        try {
            review = serialization.unmarshal(body, AdmissionReview.class);
        } catch (RuntimeException e) {
            return badRequest("the body is not a valid AdmissionReview");
        }
        if (review == null || !API_VERSION.equals(review.getApiVersion())
                || !"AdmissionReview".equals(review.getKind())) {
            return badRequest("expected kind AdmissionReview of apiVersion " + API_VERSION);
        }
        AdmissionRequest request = review.getRequest();
        if (request == null || request.getUid() == null) {
            return badRequest("the AdmissionReview has no request or no request.uid");
        }
        AdmissionResponse response;
        try {
            response = decide.apply(request);
        } catch (RuntimeException e) {
            // Fail closed, with a message, never a stack trace.
            LOG.errorf(e, "admission of request %s failed", request.getUid());
            response = Reviews.refuse(request, "the agentguard webhook could not check this request: "
                    + e.getClass().getSimpleName());
        }
        return Response.ok(serialization.asJson(new AdmissionReviewBuilder().withApiVersion(API_VERSION)
                .withKind("AdmissionReview").withResponse(response).build())).build();
    }

    private Response badRequest(String message) {
        Status status = new StatusBuilder().withStatus("Failure").withCode(400).withReason("BadRequest")
                .withMessage(message).build();
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(serialization.asJson(status)).build();
    }
}

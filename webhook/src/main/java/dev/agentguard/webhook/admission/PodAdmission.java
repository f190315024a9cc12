package dev.agentguard.webhook.admission;

import java.util.List;

import org.jboss.logging.Logger;

import dev.agentguard.webhook.bypass.BypassRule;
import dev.agentguard.webhook.injection.ShimInjector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import io.javaoperatorsdk.webhook.admission.AdmissionUtils;

/**
 * Admission of one Pod CREATE in an opted-in namespace: refuse it if it would
 * bypass the shim, otherwise inject the shim. The JSON Patch is the diff between
 * the pod as received and as rewritten (the webhooks framework computes it).
 */
public final class PodAdmission implements AdmissionRequestHandler {

    private static final Logger LOG = Logger.getLogger(PodAdmission.class);

    private final List<BypassRule> rules;
    private final ShimInjector injector;
    private final Exemptions exemptions;

    public PodAdmission(List<BypassRule> rules, ShimInjector injector, Exemptions exemptions) {
        this.rules = rules;
        this.injector = injector;
        this.exemptions = exemptions;
    }

    @Override
    public AdmissionResponse handle(AdmissionRequest request) {
        String unexpected = unexpected(request);
        if (unexpected != null) {
            LOG.warnf("refusing unexpected admission request: %s", unexpected);
            return refuse(400, "BadRequest", unexpected);
        }
        Pod pod = (Pod) request.getObject();
        String namespace = request.getNamespace();
        String name = displayName(pod);
        String serviceAccount = pod.getSpec().getServiceAccountName() == null ? "default"
                : pod.getSpec().getServiceAccountName();

        if (exemptions.exempts(namespace, serviceAccount)) {
            LOG.infof("pod %s/%s admitted unchanged: service account %s is exempt by configuration",
                    namespace, name, serviceAccount);
            return AdmissionUtils.allowedAdmissionResponse();
        }

        List<String> violations = rules.stream().flatMap(r -> r.violations(pod, namespace).stream()).toList();
        if (!violations.isEmpty()) {
            LOG.infof("pod %s/%s refused: %s", namespace, name, String.join("; ", violations));
            return refuse(403, "Forbidden", "agentguard refused pod " + name + ": " + String.join("; ", violations)
                    + ". Only a cluster admin can exempt a workload (webhook configuration"
                    + " agentguard.webhook.exempt-service-accounts).");
        }

        Pod injected = new PodBuilder(pod).build();
        injector.inject(injected);
        LOG.infof("pod %s/%s injected with the agentguard shim", namespace, name);
        return AdmissionUtils.admissionResponseFromMutation(pod, injected);
    }

    /** Why this request is not one the webhook handles, or null when it is. */
    private static String unexpected(AdmissionRequest request) {
        var kind = request.getKind();
        boolean isPod = kind != null && "Pod".equals(kind.getKind()) && (kind.getGroup() == null
                || kind.getGroup().isEmpty());
        if (!isPod || request.getSubResource() != null && !request.getSubResource().isEmpty()
                || !"CREATE".equals(request.getOperation())) {
            return "the agentguard webhook handles Pod CREATE only, got " + (kind == null ? "no kind"
                    : kind.getGroup() + "/" + kind.getVersion() + " " + kind.getKind())
                    + (request.getSubResource() == null ? "" : " subresource " + request.getSubResource())
                    + " " + request.getOperation()
                    + "; check the rules of the MutatingWebhookConfiguration";
        }
        if (!(request.getObject() instanceof Pod pod) || pod.getSpec() == null || pod.getMetadata() == null) {
            return "the admission request carries no Pod object with metadata and spec";
        }
        if (request.getNamespace() == null || request.getNamespace().isEmpty()) {
            return "the admission request names no namespace";
        }
        return null;
    }

    private static AdmissionResponse refuse(int code, String reason, String message) {
        return new AdmissionResponseBuilder().withAllowed(false)
                .withStatus(new StatusBuilder().withCode(code).withReason(reason).withMessage(message).build())
                .build();
    }

    private static String displayName(Pod pod) {
        if (pod.getMetadata().getName() != null && !pod.getMetadata().getName().isEmpty()) {
            return pod.getMetadata().getName();
        }
        return pod.getMetadata().getGenerateName() + "<generated>";
    }
}

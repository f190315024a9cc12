package dev.agentguard.api.v1alpha1;

import dev.agentguard.api.AgentGuard;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A held agent request waiting for a human, in the control plane's (system) namespace. */
@Group(AgentGuard.GROUP)
@Version(AgentGuard.VERSION)
@Kind("ApprovalRequest")
@Plural("approvalrequests")
@ShortNames("apr")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agent.pod", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Verb", jsonPath = ".spec.request.verb", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Resource", jsonPath = ".spec.request.resource",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Rule", jsonPath = ".spec.rule", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Decided-By", jsonPath = ".status.decidedBy",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ApprovalRequest extends CustomResource<ApprovalRequestSpec, ApprovalRequestStatus>
        implements Namespaced {
}

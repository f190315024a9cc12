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

/** The record of one exec or attach session, in the control plane's (system) namespace. */
@Group(AgentGuard.GROUP)
@Version(AgentGuard.VERSION)
@Kind("AgentSession")
@Plural("agentsessions")
@ShortNames("ags")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".spec.agent.pod", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Target", jsonPath = ".spec.target.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Bytes-Out", jsonPath = ".status.bytesOut",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class AgentSession extends CustomResource<AgentSessionSpec, AgentSessionStatus> implements Namespaced {
}

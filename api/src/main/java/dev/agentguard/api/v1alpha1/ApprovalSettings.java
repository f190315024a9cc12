package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/** How RequireApproval rules of this policy are decided. */
public record ApprovalSettings(
        @JsonPropertyDescription("Groups whose members may approve or deny; users with the 'approve' verb on approvalrequests may too.")
        List<String> approverGroups,

        @Default("300") @Min(1) @Max(3600)
        @JsonPropertyDescription("How long (seconds) the agent's request is held waiting for a decision before it is refused. Default 300.")
        Integer waitSeconds,

        @Default("900") @Min(0) @Max(86400)
        @JsonPropertyDescription("For how long (seconds) an approval also grants identical requests from the same agent. Default 900; 0 = this request only.")
        Integer grantTTLSeconds,

        // Names only, never URLs: receivers (and their secret URLs) are configured by the cluster admin
        // on the operator, so a namespace's policy cannot make the operator call an address of its choosing.
        @Size(max = 16)
        @JsonPropertyDescription("Notification receivers (configured on the operator by the cluster admin) told of each new request of this policy, besides the default receivers. Unknown names are reported and skipped.")
        // Called notify in YAML; a record component cannot be (Object.notify() is final).
        @JsonProperty("notify") List<String> notifyReceivers,

        @JsonPropertyDescription("Approving (not denying) requires a fresh or stronger OIDC login, taken from the approver's token through the API server's user extra agentguard.dev/auth-time and agentguard.dev/acr. Approvers without them (client certificates, ServiceAccounts) cannot approve.")
        StepUp stepUp) {
}

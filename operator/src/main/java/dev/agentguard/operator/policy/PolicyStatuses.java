package dev.agentguard.operator.policy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.agentguard.api.v1alpha1.PolicyStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** The Ready condition and the rest of a policy's status. */
final class PolicyStatuses {

    static final String APPLIED = "Applied";
    static final String INVALID = "Invalid";
    static final String PENDING = "Pending";
    static final String BUNDLE_TOO_LARGE = "BundleTooLarge";
    /** Condition of a policy that names notification receivers: does the operator have them all. */
    static final String RECEIVERS_KNOWN = "NotifyReceiversKnown";

    private PolicyStatuses() {
    }

    /** The status to write, keeping lastTransitionTime when the condition's status did not change. */
    static PolicyStatus next(PolicyStatus previous, long generation, boolean ready, String reason, String message,
            String proxies) {
        Condition old = previous == null || previous.getConditions() == null ? null
                : previous.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        String status = ready ? "True" : "False";
        String since = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
                ? old.getLastTransitionTime()
                : DateTimeFormatter.ISO_INSTANT.format(ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
        PolicyStatus next = new PolicyStatus();
        next.setObservedGeneration(generation);
        next.setProxies(proxies);
        next.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(status).withReason(reason)
                .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build()));
        return next;
    }

    /**
     * Adds to {@code next}, when the policy names receivers in spec.approval.notify, whether the
     * operator has them all. A condition of its own, not Ready's: a policy naming a receiver
     * that is not there is still enforced, only its requests reach fewer people.
     */
    static PolicyStatus withReceivers(PolicyStatus next, PolicyStatus previous, long generation, List<String> named,
            Set<String> configured) {
        if (named == null || named.isEmpty()) {
            return next;
        }
        List<String> unknown = named.stream().filter(n -> n == null || !configured.contains(n)).map(String::valueOf)
                .distinct().toList();
        boolean known = unknown.isEmpty();
        String status = known ? "True" : "False";
        Condition old = previous == null || previous.getConditions() == null ? null
                : previous.getConditions().stream().filter(c -> RECEIVERS_KNOWN.equals(c.getType())).findFirst()
                        .orElse(null);
        String since = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
                ? old.getLastTransitionTime()
                : DateTimeFormatter.ISO_INSTANT.format(ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
        Condition condition = new ConditionBuilder().withType(RECEIVERS_KNOWN).withStatus(status)
                .withReason(known ? "Configured" : "UnknownReceivers")
                .withMessage(known ? "every receiver in spec.approval.notify is configured"
                        : "spec.approval.notify names receivers the operator does not have: " + String.join(", ", unknown)
                                + "; this policy's approval requests go to the others (ask your cluster admin)")
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
        List<Condition> conditions = new ArrayList<>(next.getConditions() == null ? List.of() : next.getConditions());
        conditions.add(condition);
        next.setConditions(List.copyOf(conditions));
        return next;
    }

    /**
     * Why a policy is not in force while every policy together makes a bundle
     * too large to publish, and what the proxies enforce instead.
     *
     * @param inForce the generation of this policy in the bundle in force, or null
     */
    static String tooLarge(Publication publication, Long inForce) {
        String kept = publication.inForce() == null ? "the proxies keep the bundle they have"
                : "the proxies keep bundle " + publication.inForce().version() + (inForce == null
                        ? ", which does not have this policy"
                        : ", which has generation " + inForce + " of this policy");
        return "not published: all policies together make a bundle of " + publication.size().bytes()
                + " bytes, over the ConfigMap limit of " + publication.size().limit() + " bytes; " + kept
                + ". Remove policies or make them smaller.";
    }

    static boolean same(PolicyStatus a, PolicyStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                || !Objects.equals(a.getProxies(), b.getProxies())) {
            return false;
        }
        List<Condition> x = a.getConditions();
        List<Condition> y = b.getConditions();
        if (x == null || y == null || x.size() != y.size()) {
            return x == y;
        }
        for (int i = 0; i < x.size(); i++) {
            Condition c = x.get(i);
            Condition d = y.get(i);
            if (!Objects.equals(c.getType(), d.getType()) || !Objects.equals(c.getStatus(), d.getStatus())
                    || !Objects.equals(c.getReason(), d.getReason())
                    || !Objects.equals(c.getMessage(), d.getMessage())) {
                return false;
            }
        }
        return true;
    }
}

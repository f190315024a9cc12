package dev.agentguard.proxy.identity;

import java.util.List;
import java.util.Map;

/** A person or workload as the API server's TokenReview describes them, for a SubjectAccessReview. */
public record ReviewedUser(String username, String uid, List<String> groups, Map<String, List<String>> extra) {

    public ReviewedUser {
        groups = groups == null ? List.of() : List.copyOf(groups);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }
}

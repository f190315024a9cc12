package dev.agentguard.testing.kube;

import dev.agentguard.testing.oidc.OidcIssuer;

/**
 * The kube-apiserver's structured authentication configuration ({@code --authentication-config},
 * {@code apiserver.config.k8s.io/v1}, GA in the built Kubernetes) trusting one OIDC issuer.
 *
 * <p>Users become {@value #USERNAME_PREFIX}{@code <preferred_username>}: the prefix keeps a
 * Keycloak user from ever being taken for a ServiceAccount, a node or a client-certificate user,
 * and it is what the console's decidedBy will show. Groups come unprefixed (RBAC binds
 * {@code agentguard:approvers} as it is named in Keycloak), but no claim may yield a
 * {@code system:} user or group, so a realm admin cannot mint {@code system:masters}.
 *
 * <p>The token's {@code auth_time} and {@code acr} become user extra ({@value #AUTH_TIME_EXTRA},
 * {@value #ACR_EXTRA}) for the approvals webhook's step-up check, exactly as docs/approvals.md tells
 * cluster admins to map them: {@code int()} because JSON numbers reach CEL as doubles, and {@code ''}
 * for an absent claim, which the API server turns into an absent key.
 */
final class OidcAuthentication {

    static final String USERNAME_PREFIX = "oidc:";
    /** The token's auth_time (decimal seconds since the epoch) as user extra: the approvals webhook sees no token. */
    static final String AUTH_TIME_EXTRA = "agentguard.dev/auth-time";
    /** The token's acr as user extra, for the same reason. */
    static final String ACR_EXTRA = "agentguard.dev/acr";

    private OidcAuthentication() {
    }

    static String render(OidcIssuer issuer) {
        return """
                apiVersion: apiserver.config.k8s.io/v1
                kind: AuthenticationConfiguration
                jwt:
                - issuer:
                    url: %s
                    audiences:
                    - %s
                    certificateAuthority: |
                %s
                  claimMappings:
                    username:
                      claim: preferred_username
                      prefix: "%s"
                    groups:
                      claim: groups
                      prefix: ""
                    extra:
                    - key: "%s"
                      valueExpression: "has(claims.auth_time) ? string(int(claims.auth_time)) : ''"
                    - key: "%s"
                      valueExpression: "has(claims.acr) ? string(claims.acr) : ''"
                  userValidationRules:
                  - expression: "!user.username.startsWith('system:')"
                    message: "an OIDC user may not be a system: user"
                  - expression: "user.groups.all(g, !g.startsWith('system:'))"
                    message: "an OIDC user may not claim a system: group"
                """.formatted(issuer.url(), issuer.audience(), issuer.caPem().strip().indent(6).stripTrailing(),
                USERNAME_PREFIX, AUTH_TIME_EXTRA, ACR_EXTRA);
    }
}

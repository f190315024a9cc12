package dev.agentguard.testing.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import dev.agentguard.testing.kube.Kubeconfig;

/**
 * A real Keycloak and a real kube-apiserver trusting it: a human's token from Keycloak is who the
 * API server says (kubectl auth whoami), and tokens not meant for it, or forged, are refused.
 */
class OidcAuthenticationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Keycloak keycloak;
    private static KubeApiServer cluster;
    private static Path dir;

    @BeforeAll
    static void start() throws IOException {
        keycloak = Keycloak.start();
        System.out.println("Keycloak startup: " + keycloak.startupTime().toMillis() + " ms");
        cluster = KubeApiServer.startTrusting(keycloak.issuer());
        dir = Files.createTempDirectory("oidc-it");
        // The API server fetches the issuer's discovery document and keys in the background after
        // it is ready: wait until alice is authenticated at all before asserting anything finer.
        String alice = keycloak.passwordGrant("alice", "alice-test-password", Keycloak.TEST_CLIENT).accessToken();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> whoami(alice).exitCode() == 0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void aliceIsAnApproverUnderHerOwnName() throws IOException {
        String token = keycloak.passwordGrant("alice", "alice-test-password", Keycloak.TEST_CLIENT).accessToken();
        KubectlResult result = whoami(token);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode user = JSON.readTree(result.stdout()).path("status").path("userInfo");
        assertThat(user.path("username").asText()).isEqualTo(KubeApiServer.OIDC_USERNAME_PREFIX + "alice");
        assertThat(groups(user)).contains("agentguard:approvers", "system:authenticated");
    }

    @Test
    void loginTimeAndAcrReachTheUserAsExtra() throws IOException {
        long before = Instant.now().getEpochSecond();
        // A password grant is no login Keycloak records a time for: its tokens carry no auth_time.
        String token = keycloak.browserLogin("alice", "alice-test-password").idToken();
        KubectlResult result = whoami(token);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode extra = JSON.readTree(result.stdout()).path("status").path("userInfo").path("extra");
        JsonNode authTime = extra.path(KubeApiServer.OIDC_AUTH_TIME_EXTRA);
        assertThat(authTime.size()).as(extra.toString()).isEqualTo(1);
        // Keycloak's clock and ours are the same machine's: the login happened in this test.
        assertThat(authTime.get(0).asText()).matches("[0-9]+");
        assertThat(Long.parseLong(authTime.get(0).asText())).isGreaterThanOrEqualTo(before - 1);
        assertThat(extra.path(KubeApiServer.OIDC_ACR_EXTRA).get(0).asText()).isEqualTo("1");

        // No claim, no key: the mapping's "" leaves the extra out rather than sending an empty login time.
        String password = keycloak.passwordGrant("alice", "alice-test-password", Keycloak.TEST_CLIENT).accessToken();
        KubectlResult noLoginTime = whoami(password);
        assertThat(noLoginTime.exitCode()).as(noLoginTime.stderr()).isZero();
        JsonNode without = JSON.readTree(noLoginTime.stdout()).path("status").path("userInfo").path("extra");
        assertThat(without.has(KubeApiServer.OIDC_AUTH_TIME_EXTRA)).as(without.toString()).isFalse();
    }

    @Test
    void bobIsNotAnApprover() throws IOException {
        String token = keycloak.passwordGrant("bob", "bob-test-password", Keycloak.TEST_CLIENT).accessToken();
        KubectlResult result = whoami(token);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode user = JSON.readTree(result.stdout()).path("status").path("userInfo");
        assertThat(user.path("username").asText()).isEqualTo(KubeApiServer.OIDC_USERNAME_PREFIX + "bob");
        assertThat(groups(user)).contains("team:devs").doesNotContain("agentguard:approvers");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws IOException {
        // Same realm, same user, same signing key: only the audience differs.
        String token = keycloak.passwordGrant("alice", "alice-test-password", Keycloak.OTHER_CLIENT).accessToken();
        assertUnauthorized(whoami(token));
    }

    @Test
    void aTamperedSignatureIsRefused() throws IOException {
        String token = keycloak.passwordGrant("alice", "alice-test-password", Keycloak.TEST_CLIENT).accessToken();
        int signature = token.lastIndexOf('.') + 1;
        char first = token.charAt(signature);
        String tampered = token.substring(0, signature) + (first == 'A' ? 'B' : 'A') + token.substring(signature + 1);
        assertUnauthorized(whoami(tampered));
    }

    private static void assertUnauthorized(KubectlResult result) {
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("Unauthorized");
    }

    private static List<String> groups(JsonNode user) {
        List<String> groups = new ArrayList<>();
        user.path("groups").forEach(g -> groups.add(g.asText()));
        return groups;
    }

    private static KubectlResult whoami(String token) throws IOException {
        Path kubeconfig = Files.createTempFile(dir, "user", ".kubeconfig");
        Files.writeString(kubeconfig, Kubeconfig.withToken(cluster.adminConfig().getMasterUrl(),
                cluster.caCertificatePem(), token));
        return cluster.kubectlWith(kubeconfig, null, "auth", "whoami", "-o", "json");
    }
}

package dev.agentguard.testing.oidc;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JDK Keycloak runs on: Keycloak 26 needs Java 21+, while the build and the tests run on 17.
 * {@code KEYCLOAK_JAVA_HOME} (or {@code -Dagentguard.keycloak.java-home}) wins; else the Temurin 25
 * the machine image ships.
 */
final class KeycloakJdk {

    static final String ENV = "KEYCLOAK_JAVA_HOME";
    static final String PROPERTY = "agentguard.keycloak.java-home";
    private static final Path TEMURIN = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private KeycloakJdk() {
    }

    static Path locate() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        Path home = configured != null && !configured.isBlank() ? Path.of(configured) : TEMURIN;
        if (!Files.isExecutable(home.resolve("bin/java"))) {
            throw new IllegalStateException("Keycloak needs a JDK 21 or later: none at " + home
                    + "; install one (e.g. Temurin 25 at " + TEMURIN + ") or set " + ENV);
        }
        return home;
    }
}

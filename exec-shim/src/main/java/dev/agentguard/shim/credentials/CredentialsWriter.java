package dev.agentguard.shim.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the agent's in-cluster credentials ({@code token}, {@code ca.crt},
 * {@code namespace}) where the agent containers see them as
 * {@code /var/run/secrets/kubernetes.io/serviceaccount}. Each file is written
 * to a temporary name and renamed, so a client never reads half a file.
 */
public final class CredentialsWriter {

    private CredentialsWriter() {
    }

    public static void write(Path dir, PlaceholderCredentials credentials, String namespace) throws IOException {
        Files.createDirectories(dir);
        // The agent's containers may run as any user; nothing here is secret outside the pod.
        writeAtomically(dir, "ca.crt", credentials.caCertificatePem());
        writeAtomically(dir, "namespace", namespace);
        // Written last: clients treat the token's presence as "credentials ready".
        writeAtomically(dir, "token", credentials.token());
    }

    private static void writeAtomically(Path dir, String name, String content) throws IOException {
        Path temporary = dir.resolve("." + name + ".tmp");
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

package dev.agentguard.demo.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import dev.agentguard.demo.cluster.DemoCluster;
import dev.agentguard.demo.cluster.Kubectl;
import dev.agentguard.testing.kube.RepoFiles;

/**
 * The human who decides, with {@code kubectl agentguard} and her own kubeconfig. The plugin is
 * the one built in this checkout, put on the PATH through a launcher in {@code bin}, where the
 * demo's next steps point the reader too.
 */
public record Approver(DemoCluster.Person person, Kubectl kubectl, Path bin) {

    public static Approver of(DemoCluster cluster, String user, String group, Path bin) {
        DemoCluster.Person person = cluster.person(user, group);
        installLauncher(bin);
        return new Approver(person, cluster.kubectl(person.kubeconfig()), bin);
    }

    /** Runs {@code kubectl agentguard args…} as her. */
    public Kubectl.Result agentguard(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(person.flags());
        return kubectl.plugin(bin, "agentguard", all.toArray(String[]::new));
    }

    /** The command as she types it (her kubeconfig is her default one). */
    public String command(String... args) {
        return "kubectl agentguard " + AgentScenario.quoted(List.of(args))
                + (person.flags().isEmpty() ? "" : " " + String.join(" ", person.flags()));
    }

    private static void installLauncher(Path bin) {
        Path launcher = RepoFiles.find("kubectl-agentguard/src/main/dist/kubectl-agentguard");
        Path home = RepoFiles.find("kubectl-agentguard/target/kubectl-agentguard.jar").getParent();
        try {
            Files.createDirectories(bin);
            Path file = bin.resolve("kubectl-agentguard");
            Files.writeString(file, "#!/usr/bin/env bash\n# kubectl agentguard, as built in " + home + "\n"
                    + "export AGENTGUARD_PLUGIN_HOME='" + home + "'\nexec '" + launcher + "' \"$@\"\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

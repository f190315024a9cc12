package dev.agentguard.demo.install;

import java.nio.file.Path;

import dev.agentguard.testing.chart.Helm;

/** agentguard's Helm release, installed exactly as the README tells a cluster admin to. */
public record ChartRelease(Helm helm, Path chart, String name, String namespace) {

    public static final String NAME = "agentguard";
    public static final String NAMESPACE = "agentguard-system";
    /** The one value the demo sets: the group of its human approver, bound to the chart's approver role. */
    public static final String APPROVERS = "agentguard:approvers";

    public static ChartRelease of(Path adminKubeconfig) {
        return new ChartRelease(Helm.against(adminKubeconfig), Helm.chart(), NAME, NAMESPACE);
    }

    /** The command a reader would type. */
    public String installCommand() {
        return "helm install " + name + " charts/agentguard -n " + namespace + " --create-namespace"
                + " --set 'approvers.groups={" + APPROVERS + "}'";
    }

    /** Installs with the defaults and the approvers' group, and returns helm's output (the chart's NOTES). */
    public String install() {
        return helm.ok("install", name, chart.toString(), "-n", namespace, "--create-namespace",
                "--set", "approvers.groups={" + APPROVERS + "}");
    }

    /**
     * Uninstalls without the chart's hooks: the demo's components run as local processes and no
     * kubelet would run the hook's pod. The caller removes the webhook configurations first, as the hook does.
     */
    public Helm.Result uninstallWithoutHooks() {
        return helm.run("uninstall", name, "-n", namespace, "--no-hooks", "--wait");
    }
}

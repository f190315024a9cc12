package dev.agentguard.operator.uninstall;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import dev.agentguard.operator.certificates.CertificatesConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * {@code remove-webhook-configurations [NAME...]}: the chart's pre-delete hook. Helm deletes
 * webhook configurations after everything else (they are not in its uninstall order), so
 * without this the fail-closed configurations would outlive the webhook's Service and refuse
 * every pod in an opted-in namespace until helm got to them. Deleting them first means nothing
 * fail-closed ever points at a missing Service. Each NAME (default: the operator's
 * {@link CertificatesConfig#DEFAULT_WEBHOOK_CONFIGURATIONS}) is deleted as a mutating and as a
 * validating configuration; one that is not there counts as deleted. Credentials: in-cluster,
 * or KUBECONFIG. Exit codes: 0 done, 1 a delete failed, 2 bad usage.
 */
public final class RemoveWebhookConfigurationsCommand {

    public static final String NAME = "remove-webhook-configurations";
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private static final String HELP = """
            usage: %s [NAME...]
              Deletes the mutating and validating webhook configurations NAME (default: %s).
              Absent ones count as deleted. Exit status: 0 done, 1 a delete failed, 2 bad usage."""
            .formatted(NAME, CertificatesConfig.DEFAULT_WEBHOOK_CONFIGURATIONS);

    /** A Kubernetes object name (RFC 1123 subdomain), so a typo fails before any request. */
    private static final String OBJECT_NAME = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";

    private RemoveWebhookConfigurationsCommand() {
    }

    /** What the arguments ask for: the configuration names, or help. */
    record Request(List<String> names, boolean help) {
    }

    /** Thrown by {@link #parse} for arguments that ask for nothing sensible. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Parses the arguments after the command name. */
    static Request parse(String... args) throws UsageException {
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Request(List.of(), true);
            }
            if (arg.startsWith("-")) {
                throw new UsageException("unknown option " + arg);
            }
            if (!arg.matches(OBJECT_NAME)) {
                throw new UsageException("not a webhook configuration name: " + arg);
            }
            if (!names.contains(arg)) {
                names.add(arg);
            }
        }
        if (names.isEmpty()) {
            names.addAll(Arrays.asList(CertificatesConfig.DEFAULT_WEBHOOK_CONFIGURATIONS.split(",")));
        }
        return new Request(List.copyOf(names), false);
    }

    /** Runs the command; {@code args} are those after its name. Returns the exit code. */
    public static int run(PrintStream out, PrintStream err, Supplier<KubernetesClient> clients, String... args) {
        Request request;
        try {
            request = parse(args);
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println(HELP);
            return USAGE;
        }
        if (request.help()) {
            out.println(HELP);
            return OK;
        }
        try (KubernetesClient client = clients.get()) {
            var v1 = client.admissionRegistration().v1();
            for (String name : request.names()) {
                delete(out, "MutatingWebhookConfiguration", name, v1.mutatingWebhookConfigurations());
                delete(out, "ValidatingWebhookConfiguration", name, v1.validatingWebhookConfigurations());
            }
            return OK;
        } catch (KubernetesClientException e) {
            // The API server's message (e.g. forbidden, unreachable); never the credentials.
            Throwable cause = e.getCause();
            err.println(NAME + ": failed: " + e.getMessage()
                    + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
            return FAILED;
        }
    }

    private static <T extends HasMetadata> void delete(PrintStream out, String kind, String name,
            NonNamespaceOperation<T, ?, Resource<T>> configurations) {
        // An empty result is NotFound: already gone is what we want.
        boolean deleted = !configurations.withName(name).delete().isEmpty();
        out.println(NAME + ": " + kind + " " + name + (deleted ? " deleted" : " not present"));
    }
}

package dev.agentguard.operator;

import java.util.Arrays;

import dev.agentguard.operator.uninstall.RemoveWebhookConfigurationsCommand;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The operator's entry point. {@code remove-webhook-configurations [NAME...]} is the chart's
 * pre-delete hook: it runs from the operator image (no shell) without starting Quarkus or the
 * controllers, so it needs nothing but its ServiceAccount. Anything else runs the operator.
 */
@QuarkusMain
public class OperatorMain {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals(RemoveWebhookConfigurationsCommand.NAME)) {
            System.exit(RemoveWebhookConfigurationsCommand.run(System.out, System.err,
                    () -> new KubernetesClientBuilder().build(), Arrays.copyOfRange(args, 1, args.length)));
        }
        Quarkus.run(args);
    }
}

package dev.agentguard.kubectl;

import picocli.CommandLine.IVersionProvider;

/** The version the jar was built as (its manifest), so a bug report names the build. */
final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = KubectlAgentguard.class.getPackage().getImplementationVersion();
        return new String[] {"kubectl-agentguard " + (version == null ? "(development build)" : version)};
    }
}

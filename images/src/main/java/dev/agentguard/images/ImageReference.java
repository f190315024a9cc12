package dev.agentguard.images;

/**
 * Where a deployable's image is published: {@code <registry>/<repository>:<tag>}.
 * The tag is the project version as it will be released, so a {@code 0.1.0-SNAPSHOT}
 * build produces the {@code :0.1.0} that manifests/ and the chart reference.
 */
public record ImageReference(String registry, String repository, String tag) {

    private static final String SNAPSHOT = "-SNAPSHOT";

    public static ImageReference of(String registry, String repository, String projectVersion) {
        return new ImageReference(registry, repository, releaseTag(projectVersion));
    }

    static String releaseTag(String projectVersion) {
        return projectVersion.endsWith(SNAPSHOT)
                ? projectVersion.substring(0, projectVersion.length() - SNAPSHOT.length())
                : projectVersion;
    }

    @Override
    public String toString() {
        return registry + "/" + repository + ":" + tag;
    }
}

package dev.agentguard.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.cloud.tools.jib.api.JibContainer;

/**
 * Builds every deployable's image into {@code <output>/<name>.tar} (run by the images
 * module at {@code package}, so by {@code make images} and {@code make test}) and lists the
 * references in {@code <output>/images.txt}. Arguments: {@code --root --output --registry
 * --version --base --images}, see images/pom.xml.
 */
public final class BuildImages {

    private BuildImages() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = parse(args);
        Path root = Path.of(options.get("root"));
        Path output = Path.of(options.get("output"));
        String version = options.get("version");
        String baseSetting = options.get("base");
        BaseImage base = BaseImage.parse(baseSetting,
                baseSetting.equals("local") ? localBase(root) : null);

        StringBuilder listing = new StringBuilder();
        for (String name : options.get("images").split(",")) {
            AppImage image = new AppImage(ImageReference.of(options.get("registry"), name, version),
                    root.resolve(name).resolve("target/quarkus-app"), version);
            Path tarball = output.resolve(name + ".tar");
            long start = System.nanoTime();
            JibContainer built = image.writeTo(base, tarball, output.resolveSibling("image-layer-cache"));
            System.out.printf("images: %s -> %s (%d MB, %s, %d s)%n", image.reference(), tarball,
                    Files.size(tarball) >> 20, built.getDigest(), (System.nanoTime() - start) / 1_000_000_000L);
            listing.append(image.reference()).append(' ').append(tarball).append('\n');
        }
        Files.writeString(output.resolve("images.txt"), listing);
    }

    /** Runs hack/image-base.sh, which builds the base or finds it in its cache, and prints its rootfs. */
    private static Path localBase(Path root) throws IOException, InterruptedException {
        Process script = new ProcessBuilder(root.resolve("hack/image-base.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (script.waitFor() != 0) {
            throw new IllegalStateException("hack/image-base.sh failed (exit " + script.exitValue() + ")");
        }
        List<String> lines = out.lines().toList();
        return Path.of(lines.get(lines.size() - 1));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = Arrays.stream(args)
                .filter(arg -> arg.startsWith("--") && arg.contains("="))
                .collect(Collectors.toMap(arg -> arg.substring(2, arg.indexOf('=')),
                        arg -> arg.substring(arg.indexOf('=') + 1), (a, b) -> b, LinkedHashMap::new));
        for (String required : List.of("root", "output", "registry", "version", "base", "images")) {
            if (!options.containsKey(required) || options.get(required).isBlank()) {
                throw new IllegalArgumentException("missing --" + required + "=...");
            }
        }
        return options;
    }
}

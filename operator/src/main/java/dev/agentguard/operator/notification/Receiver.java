package dev.agentguard.operator.notification;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/** A configured receiver. Its URL is a secret: {@link #toString()} leaves it out so no log prints it. */
public record Receiver(String name, Type type, URI url, boolean isDefault) {

    /** Lowercase letters and digits: what survives the round trip through an environment variable name. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,62}");

    public enum Type {
        json, slack
    }

    public Receiver {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("notification receiver name '" + name
                    + "' must be lowercase letters and digits, starting with a letter");
        }
        String scheme = url.getScheme();
        if (url.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            // Not the URL itself in the message: it is a secret.
            throw new IllegalArgumentException("notification receiver '" + name + "' needs an http(s) URL with a host");
        }
    }

    /** A configured receiver, with its URL checked (and not echoed) here. */
    static Receiver of(String name, NotificationsConfig.ReceiverConfig config) {
        URI url;
        try {
            url = URI.create(config.url().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("notification receiver '" + name + "' has a malformed URL");
        }
        return new Receiver(name, config.type(), url, config.isDefault());
    }

    @Override
    public String toString() {
        return "Receiver[name=" + name + ", type=" + type + ", default=" + isDefault + "]";
    }
}

package dev.agentguard.operator.notification;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured receivers, and which of them a request goes to. */
public final class Receivers {

    private final Map<String, Receiver> byName;

    Receivers(Collection<Receiver> receivers) {
        Map<String, Receiver> map = new LinkedHashMap<>();
        receivers.forEach(r -> map.put(r.name(), r));
        this.byName = Collections.unmodifiableMap(map);
    }

    static Receivers of(NotificationsConfig config) {
        List<Receiver> list = new ArrayList<>();
        config.receivers().forEach((name, receiver) -> list.add(Receiver.of(name, receiver)));
        list.sort((a, b) -> a.name().compareTo(b.name()));
        return new Receivers(list);
    }

    boolean none() {
        return byName.isEmpty();
    }

    Collection<Receiver> all() {
        return byName.values();
    }

    /** The default receivers plus those a policy names, each once; the names no receiver has. */
    Selection select(List<String> named) {
        Map<String, Receiver> chosen = new LinkedHashMap<>();
        byName.values().stream().filter(Receiver::isDefault).sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(r -> chosen.put(r.name(), r));
        List<String> unknown = new ArrayList<>();
        for (String name : named == null ? List.<String>of() : named) {
            Receiver r = name == null ? null : byName.get(name);
            if (r == null) {
                unknown.add(String.valueOf(name));
            } else {
                chosen.putIfAbsent(name, r);
            }
        }
        return new Selection(List.copyOf(chosen.values()), List.copyOf(unknown));
    }

    record Selection(List<Receiver> receivers, List<String> unknown) {
    }
}

package dev.agentguard.api.exec;

import java.util.List;

/**
 * One command a shell would run: its words after quote removal, with leading
 * {@code NAME=value} assignments and redirections taken off.
 *
 * @param argv the program and its arguments; never empty
 */
public record SimpleCommand(List<String> argv) {

    public SimpleCommand {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command has at least a program");
        }
        argv = List.copyOf(argv);
    }

    /** The program's base name: {@code /usr/bin/pg_dump} is {@code pg_dump}. */
    public String program() {
        String first = argv.get(0);
        int slash = first.lastIndexOf('/');
        return slash < 0 ? first : first.substring(slash + 1);
    }

    public List<String> arguments() {
        return argv.subList(1, argv.size());
    }
}

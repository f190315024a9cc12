package dev.agentguard.proxy.bench;

/** A command whose stdout is streamed: its name in the report, its exec URI, and what it must print. */
record Workload(String name, String uri, ExpectedOutput output) {

    /** The name's part before the colon: the row label of the CPU table. */
    String label() {
        return name.substring(0, name.indexOf(':'));
    }
}

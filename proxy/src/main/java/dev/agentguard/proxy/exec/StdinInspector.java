package dev.agentguard.proxy.exec;

/** Looks at the agent's stdin before it reaches the container. */
interface StdinInspector {

    /** Stdin that is data (a {@code tar} upload, a program's input): forwarded as is. */
    StdinInspector DATA = new StdinInspector() {
        @Override
        public InputVerdict feed(byte[] chunk) {
            return new InputVerdict(chunk, java.util.Optional.empty());
        }

        @Override
        public InputVerdict end() {
            return InputVerdict.NOTHING;
        }
    };

    InputVerdict feed(byte[] chunk);

    /** Stdin ended: whatever was held back, checked. */
    InputVerdict end();
}

package dev.agentguard.proxy.exec;

import java.util.Optional;

/**
 * What to do with a chunk of agent input.
 *
 * @param forward the bytes that may go on to the container, possibly none
 * @param blocked the line refused, if any
 */
public record InputVerdict(byte[] forward, Optional<BlockedLine> blocked) {

    static final InputVerdict NOTHING = new InputVerdict(new byte[0], Optional.empty());
}

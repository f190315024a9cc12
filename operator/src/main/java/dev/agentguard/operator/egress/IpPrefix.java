package dev.agentguard.operator.egress;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP prefix (10.0.0.0/8, 2001:db8::/32), to tell whether an API server address
 * falls inside an allow-list entry and must be excepted from it.
 */
record IpPrefix(byte[] network, int length) {

    /** @throws IllegalArgumentException for anything but a literal address with a valid prefix length */
    static IpPrefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        byte[] address = literal(slash < 0 ? cidr : cidr.substring(0, slash));
        int bits = address.length * 8;
        int length;
        try {
            length = slash < 0 ? bits : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length in " + cidr);
        }
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length out of range in " + cidr);
        }
        return new IpPrefix(address, length);
    }

    boolean contains(String ip) {
        byte[] address = literal(ip);
        if (address.length != network.length) {
            return false;
        }
        int shift = network.length * 8 - length;
        return new BigInteger(1, address).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }

    private static byte[] literal(String text) {
        // Only literals: InetAddress would resolve a host name through DNS. With a ':' it is
        // parsed as IPv6 and never looked up; otherwise only dotted-quad IPv4 is accepted.
        if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }
}

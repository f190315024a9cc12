package dev.agentguard.console.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.agentguard.api.approval.StepUpCheck;
import io.quarkus.oidc.IdToken;

/**
 * The logged-in human: the name pages show, and the token every API call is made with. That
 * is the ID token, as kubectl's OIDC login sends it: the API server's JWT authenticator checks
 * its issuer and audience, and maps its username, groups, auth_time and acr claims.
 */
@RequestScoped
public class Viewer {

    @Inject
    @IdToken
    JsonWebToken idToken;

    /** The provider's username, as the page header shows it (the API server adds its prefix). */
    public String name() {
        String username = idToken.getClaim("preferred_username");
        return username != null ? username : idToken.getSubject();
    }

    public String token() {
        return idToken.getRawToken();
    }

    /**
     * The login facts a step-up checks, as the API server maps them from this same token into
     * user extra (auth_time, acr): what the approvals webhook will see when this viewer decides.
     */
    public Map<String, List<String>> login() {
        Map<String, List<String>> extra = new HashMap<>();
        String authTime = claim("auth_time");
        if (authTime != null) {
            extra.put(StepUpCheck.AUTH_TIME_EXTRA, List.of(authTime));
        }
        String acr = claim("acr");
        if (acr != null) {
            extra.put(StepUpCheck.ACR_EXTRA, List.of(acr));
        }
        return Map.copyOf(extra);
    }

    /** A claim as the API server's claim mapping renders it: numbers in decimal, strings as they are. */
    private String claim(String name) {
        Object value = idToken.getClaim(name);
        if (value instanceof JsonString string) {
            return string.getString();
        }
        if (value instanceof JsonNumber number) {
            return number.isIntegral() ? String.valueOf(number.longValueExact()) : number.toString();
        }
        if (value instanceof Number number) {
            return String.valueOf(number.longValue());
        }
        return value == null ? null : value.toString();
    }
}

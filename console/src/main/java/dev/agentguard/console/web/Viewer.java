package dev.agentguard.console.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

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
}

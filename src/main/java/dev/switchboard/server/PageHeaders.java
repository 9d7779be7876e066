package dev.switchboard.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The browser-facing headers of everything but SockJS: a Content-Security-Policy that allows
 * only the WAR's own scripts, styles and connections (the pages have no inline script or style)
 * and no framing by another origin, {@code X-Frame-Options} for browsers without
 * {@code frame-ancestors}, {@code nosniff} and a same-origin referrer policy. SockJS's own
 * responses are left alone: its {@code iframe.html} must be framable by the pages that use it,
 * and it carries the inline script the SockJS protocol prescribes.
 */
public final class PageHeaders implements Filter {

    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self';"
            + " object-src 'none'";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse page
                && !http.getRequestURI().startsWith(http.getContextPath() + "/sockjs/")) {
            page.setHeader("Content-Security-Policy", POLICY);
            page.setHeader("X-Frame-Options", "SAMEORIGIN");
            page.setHeader("X-Content-Type-Options", "nosniff");
            page.setHeader("Referrer-Policy", "same-origin");
        }
        chain.doFilter(request, response);
    }
}

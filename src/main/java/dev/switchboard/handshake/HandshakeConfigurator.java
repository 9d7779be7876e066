package dev.switchboard.handshake;

import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.SessionEnvironment;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The handshake every Switchboard endpoint names in its {@code @ServerEndpoint}: applies the
 * origin policy (a refusal is HTTP 403 and never reaches the endpoint), picks the subprotocol by
 * the server's order of preference, and copies what the endpoint needs from the upgrade request
 * (address, configured headers, principal, HTTP session attributes) into the session's user
 * properties, with the deployment's {@link SessionEnvironment}.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    private static final Logger LOG = Logger.getLogger(HandshakeConfigurator.class.getName());
    private static final java.util.concurrent.atomic.AtomicBoolean UNCAPTURED_TOLD =
            new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public boolean checkOrigin(String origin) {
        UpgradeCapture.UpgradeRequest request = UpgradeCapture.current();
        if (request == null || request.policy() == null) {
            // a deployment mistake, said loudly once; a client must not be able to fill the log with it
            java.util.logging.Level level = UNCAPTURED_TOLD.compareAndSet(false, true)
                    ? java.util.logging.Level.SEVERE : java.util.logging.Level.FINE;
            LOG.log(level, "WebSocket handshake refused: the UpgradeCapture filter did not see it or Switchboard did"
                    + " not start (check web.xml's filter mapping and the deployment log)");
            return false;
        }
        if (origin == null) {
            return true; // not a browser: browsers always send Origin on WebSocket handshakes
        }
        return UpgradeCapture.originAllowed(request, origin); // UpgradeCapture refused the others already, with 403
    }

    /** The first of the server's subprotocols, in its order, that the client offered; else none. */
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        for (String candidate : supported) {
            if (requested.contains(candidate)) {
                return candidate;
            }
        }
        return "";
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        UpgradeCapture.UpgradeRequest upgrade = UpgradeCapture.current();
        if (upgrade == null || upgrade.policy() == null) {
            return; // checkOrigin refused it already
        }
        HandshakePolicy policy = upgrade.policy();
        Map<String, List<String>> headers = new TreeMap<>();
        Map<String, List<String>> all = caseInsensitive(request.getHeaders());
        for (String name : policy.copiedHeaders()) {
            List<String> values = all.get(name);
            if (values != null) {
                headers.put(name, List.copyOf(values));
            }
        }
        ConnectionInfo info = new ConnectionInfo(upgrade.remoteAddress(), request.getRequestURI(), headers,
                upgrade.attributes(), upgrade.principal());
        config.getUserProperties().put(ConnectionInfo.KEY, info);
        config.getUserProperties().put(SessionEnvironment.KEY, policy.environment());
        config.getUserProperties().put(HandshakePolicy.SERVICES_KEY, policy.endpointServices());
    }

    private static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new HashMap<>();
        headers.forEach((name, values) -> out.merge(name.toLowerCase(Locale.ROOT), values, (a, b) -> {
            List<String> both = new java.util.ArrayList<>(a);
            both.addAll(b);
            return both;
        }));
        return out;
    }
}

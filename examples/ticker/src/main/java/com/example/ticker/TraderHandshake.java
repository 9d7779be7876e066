package com.example.ticker;

import dev.switchboard.api.Handshake;
import dev.switchboard.api.HandshakeInterceptor;
import dev.switchboard.api.HandshakeRefusedException;
import java.util.regex.Pattern;

/**
 * Names the trader at the handshake: {@code ?trader=ann} on the WebSocket URL (a real
 * application would read its login session or a token here). A name that is not letters and
 * digits is refused with 400.
 */
public class TraderHandshake implements HandshakeInterceptor {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,32}");

    @Override
    public void beforeHandshake(Handshake handshake) {
        String trader = handshake.queryParameter("trader");
        if (trader == null) {
            return; // anonymous
        }
        if (!NAME.matcher(trader).matches()) {
            throw new HandshakeRefusedException(400, "a trader name is 1 to 32 letters and digits");
        }
        handshake.attributes().put("trader", trader);
    }
}

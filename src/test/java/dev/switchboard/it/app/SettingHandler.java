package dev.switchboard.it.app;

import dev.switchboard.api.MessageMapping;

/** Not annotated: named by the stomp.handlers setting. */
public class SettingHandler {
    @MessageMapping("/by-setting")
    public String bySetting(String body) {
        return "setting:" + body;
    }
}

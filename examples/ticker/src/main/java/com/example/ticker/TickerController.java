package com.example.ticker;

import dev.switchboard.api.DestinationVariable;
import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageExceptionHandler;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.Messaging;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SendTo;
import dev.switchboard.api.SendToUser;
import dev.switchboard.api.SubscribeMapping;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ticker's message handlers, and its price feed: every {@code ticker.interval.ms} (default
 * 1000) the prices move and go to {@code /topic/prices}. Switchboard finds this class by its
 * annotation, creates it once with a {@link Messaging}, and closes it when the application stops.
 */
@MessageController
public class TickerController implements AutoCloseable {

    private final Market market = new Market();
    private final ScheduledExecutorService feed;

    public TickerController(Messaging messaging) {
        long interval = Long.getLong("ticker.interval.ms", 1000);
        feed = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "ticker-feed");
            t.setDaemon(true);
            return t;
        });
        feed.scheduleAtFixedRate(() -> messaging.publish("/topic/prices", market.tick()), interval, interval,
                TimeUnit.MILLISECONDS);
    }

    /** What a page shows first: every price now, to the subscriber alone. */
    @SubscribeMapping("/prices")
    public List<Quote> snapshot() {
        return market.quotes();
    }

    /** One symbol's price, to the trader who asked. */
    @MessageMapping("/quote/{symbol}")
    @SendToUser("/queue/quotes")
    public Quote quote(@DestinationVariable("symbol") String symbol) {
        return market.quote(symbol);
    }

    /** An order fills at the current price; everyone sees the fill. An invalid one is answered to its sender. */
    @MessageMapping("/orders")
    @SendTo("/topic/fills")
    public Fill order(@Valid Order order, MessagingSession session) {
        Quote quote = market.quote(order.symbol);
        return new Fill((String) session.attributes().getOrDefault("trader", "anonymous"), quote.symbol(),
                order.quantity, quote.price());
    }

    /** A mistake of the trader's, told to that trader; the connection stays open. */
    @MessageExceptionHandler(UnknownSymbolException.class)
    @SendToUser(value = "/queue/errors", broadcast = false)
    public Map<String, String> mistake(RuntimeException e) {
        return Map.of("error", e.getMessage());
    }

    @Override
    public void close() {
        feed.shutdownNow();
    }
}

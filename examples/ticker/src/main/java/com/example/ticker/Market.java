package com.example.ticker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/** The listed symbols and their current prices, which move a little on every tick. */
public final class Market {

    private final Map<String, Double> prices = new TreeMap<>(Map.of("ACME", 12.50, "GLOBEX", 88.00, "INITECH", 3.25));

    public synchronized Quote quote(String symbol) {
        Double price = prices.get(symbol);
        if (price == null) {
            throw new UnknownSymbolException(symbol);
        }
        return new Quote(symbol, price, System.currentTimeMillis());
    }

    public synchronized List<Quote> quotes() {
        List<Quote> all = new ArrayList<>();
        long now = System.currentTimeMillis();
        prices.forEach((symbol, price) -> all.add(new Quote(symbol, price, now)));
        return all;
    }

    /** Moves every price by up to 1%, and answers the new quotes. */
    public synchronized List<Quote> tick() {
        prices.replaceAll((symbol, price) -> Math.round(price * (1 + ThreadLocalRandom.current().nextDouble(-0.01, 0.01))
                * 100) / 100.0);
        return quotes();
    }
}

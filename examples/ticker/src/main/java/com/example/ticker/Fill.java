package com.example.ticker;

/** An executed order, published to {@code /topic/fills} for everyone. */
public record Fill(String trader, String symbol, int quantity, double price) {
}

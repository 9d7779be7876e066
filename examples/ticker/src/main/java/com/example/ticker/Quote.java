package com.example.ticker;

/** The price of one symbol at one moment, as JSON: {@code {"symbol":"ACME","price":12.5,"time":...}}. */
public record Quote(String symbol, double price, long time) {
}

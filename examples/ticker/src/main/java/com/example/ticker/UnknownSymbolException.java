package com.example.ticker;

/** A client asked for a symbol the market does not list. */
public class UnknownSymbolException extends RuntimeException {
    public UnknownSymbolException(String symbol) {
        super("no such symbol: " + symbol);
    }
}

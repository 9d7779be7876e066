package com.example.ticker;

/** What a trader sends to {@code /app/orders}, as JSON: {@code {"symbol":"ACME","quantity":10}}. */
public class Order {
    public String symbol;
    public int quantity;
}

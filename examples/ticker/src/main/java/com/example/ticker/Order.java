package com.example.ticker;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** What a trader sends to {@code /app/orders}, as JSON: {@code {"symbol":"ACME","quantity":10}}; checked with {@code @Valid}. */
public class Order {
    @NotBlank
    public String symbol;
    @Min(1)
    public int quantity;
}

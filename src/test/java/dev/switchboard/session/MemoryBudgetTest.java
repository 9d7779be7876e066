package dev.switchboard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The three limits at once, refusals whole, and address entries that go once nothing is held. */
class MemoryBudgetTest {

    private final MemoryBudget budget = new MemoryBudget(new MemoryBudget.Limits(1000, 600, 500, 2));

    @Test
    void eachLevelRefusesWholeAndTheOthersAreUntouched() throws Exception {
        MemoryBudget.Account a1 = budget.open("10.0.0.1");
        MemoryBudget.Account a2 = budget.open("10.0.0.1");
        MemoryBudget.Account b = budget.open("10.0.0.2");
        a1.reserve(MemoryBudget.Use.QUEUED, 500);
        MemoryBudget.Refused session = assertThrows(MemoryBudget.Refused.class,
                () -> a1.reserve(MemoryBudget.Use.QUEUED, 1));
        assertEquals(MemoryBudget.Level.SESSION, session.level());
        a2.reserve(MemoryBudget.Use.QUEUED, 100);
        assertEquals(MemoryBudget.Level.ADDRESS, assertThrows(MemoryBudget.Refused.class,
                () -> a2.reserve(MemoryBudget.Use.QUEUED, 1)).level());
        b.reserve(MemoryBudget.Use.TRANSACTIONS, 350);
        assertEquals(MemoryBudget.Level.NODE, assertThrows(MemoryBudget.Refused.class,
                () -> b.reserve(MemoryBudget.Use.TRANSACTIONS, 100)).level());
        assertEquals(950, budget.used(), "refusals took nothing");
        assertEquals(350, b.used());
        b.release(MemoryBudget.Use.TRANSACTIONS, 350);
        b.reserve(MemoryBudget.Use.FRAMES, 50);
        assertEquals(650, budget.used());
    }

    @Test
    void anAddressEntryLivesWhileItHoldsSessionsBytesOrDestinations() throws Exception {
        MemoryBudget.Account a = budget.open("10.0.0.3");
        a.reserve(MemoryBudget.Use.QUEUED, 100);
        a.createDestination("queue");
        a.close();
        assertEquals(1, budget.addressCount(), "its queued bytes outlive the session");
        a.release(MemoryBudget.Use.QUEUED, 100);
        assertEquals(1, budget.addressCount(), "its queue too");
        a.dropDestination();
        assertEquals(0, budget.addressCount());
    }

    @Test
    void anAddressKeepsOnlySoManyDestinations() throws Exception {
        MemoryBudget.Account a = budget.open("10.0.0.4");
        a.createDestination("queue");
        a.createDestination("queue");
        assertThrows(MemoryBudget.Refused.class, () -> a.createDestination("chat room"));
        a.dropDestination();
        a.createDestination("chat room");
        a.close();
    }
}

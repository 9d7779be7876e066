package dev.switchboard.broker.redis;

import dev.switchboard.broker.SharedState;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * {@link SharedState} in Redis: a count is a hash ({@code <namespace>:s:<key>}) with one field per
 * node and name ({@code <node>|<name>}), so the nodes' counts add up and a node whose liveness key
 * is gone (see {@link RedisQueues}) stops counting; a list is a Redis list trimmed on each append
 * and given a time to live. Scripts keep each count change and its reading in one step.
 */
final class RedisState implements SharedState {

    /** KEYS[1] the hash; ARGV: node, name, by, liveness key prefix. Returns the live total for the name. */
    private static final String COUNT = String.join("\n",
            "local f = ARGV[1] .. '|' .. ARGV[2]",
            "local n = redis.call('HINCRBY', KEYS[1], f, tonumber(ARGV[3]))",
            "if n <= 0 then redis.call('HDEL', KEYS[1], f) end",
            "local all = redis.call('HGETALL', KEYS[1])",
            "local total = 0",
            "for i = 1, #all, 2 do",
            "  local sep = string.find(all[i], '|', 1, true)",
            "  local node = string.sub(all[i], 1, sep - 1)",
            "  if string.sub(all[i], sep + 1) == ARGV[2] and (node == ARGV[1] or redis.call('EXISTS', ARGV[4] .. node) == 1) then",
            "    total = total + tonumber(all[i + 1])",
            "  end",
            "end",
            "return total");

    /** KEYS[1] the hash; ARGV: node, liveness key prefix. Returns the names counted on live nodes. */
    private static final String NAMES = String.join("\n",
            "local all = redis.call('HGETALL', KEYS[1])",
            "local totals = {}",
            "for i = 1, #all, 2 do",
            "  local sep = string.find(all[i], '|', 1, true)",
            "  local node = string.sub(all[i], 1, sep - 1)",
            "  if node == ARGV[1] or redis.call('EXISTS', ARGV[2] .. node) == 1 then",
            "    local name = string.sub(all[i], sep + 1)",
            "    totals[name] = (totals[name] or 0) + tonumber(all[i + 1])",
            "  end",
            "end",
            "local names = {}",
            "for name, n in pairs(totals) do",
            "  if n > 0 then table.insert(names, name) end",
            "end",
            "return names");

    private final String prefix;
    private final byte[] node;
    private final byte[] livenessPrefix;
    private final Supplier<Link> commands;
    private final Issuer issuer;
    private final LongAdder failures = new LongAdder();

    RedisState(String prefix, String node, Supplier<Link> commands, Issuer issuer) {
        this.issuer = issuer;
        this.prefix = prefix;
        this.node = node.getBytes(StandardCharsets.UTF_8);
        this.livenessPrefix = (prefix + "node:").getBytes(StandardCharsets.UTF_8);
        this.commands = commands;
    }

    @Override
    public long count(String key, String name, int by) throws Unavailable {
        Long total = call(c -> c.async().<Long>eval(COUNT, ScriptOutputType.INTEGER, new byte[][] {key(key)}, node,
                utf8(name), utf8(Integer.toString(by)), livenessPrefix));
        return total;
    }

    @Override
    public List<String> names(String key) throws Unavailable {
        List<Object> raw = call(c -> c.async().<List<Object>>eval(NAMES, ScriptOutputType.MULTI, new byte[][] {key(key)},
                node, livenessPrefix));
        List<String> names = new ArrayList<>(raw.size());
        for (Object o : raw) {
            names.add(new String((byte[]) o, StandardCharsets.UTF_8));
        }
        names.sort(String.CASE_INSENSITIVE_ORDER);
        return names;
    }

    @Override
    public void append(String key, byte[] entry, int keep, Duration ttl) {
        Link c = commands.get();
        if (c == null || !c.isOpen()) {
            failures.increment();
            return;
        }
        byte[] k = key(key);
        if (!issuer.issue(entry.length, () -> {
            c.async().rpush(k, entry);
            c.async().ltrim(k, -keep, -1);
            return c.async().pexpire(k, Math.max(1, ttl.toMillis())); // answered last: the entry is held until then
        }, failures::increment)) {
            failures.increment();
        }
    }

    @Override
    public List<byte[]> list(String key) throws Unavailable {
        return call(c -> c.async().lrange(key(key), 0, -1));
    }

    long failures() {
        return failures.sum();
    }

    private interface Call<T> {
        java.util.concurrent.CompletionStage<T> on(Link c);
    }

    private <T> T call(Call<T> call) throws Unavailable {
        Link c = commands.get();
        if (c == null || !c.isOpen()) {
            failures.increment();
            throw new Unavailable("Redis is not connected", null);
        }
        try {
            return issuer.call(() -> call.on(c), Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.increment();
            throw new Unavailable("interrupted", e);
        } catch (Exception e) {
            failures.increment();
            throw new Unavailable("Redis did not answer: " + e, e);
        }
    }

    private byte[] key(String key) {
        return (prefix + "s:" + key).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

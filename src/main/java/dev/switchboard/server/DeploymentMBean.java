package dev.switchboard.server;

import dev.switchboard.session.SessionRegistry;
import jakarta.servlet.ServletContext;
import jakarta.websocket.CloseReason;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * One deployment in JMX, under {@code dev.switchboard:type=Deployment,context=...}: the figures of
 * {@code /stats} as read-only attributes named by their path ({@code stomp.sessions},
 * {@code connections.open}), and what an admin does by hand: list the open connections, close one,
 * change a logger's level. Visible in jconsole and VisualVM; registered when the deployment starts,
 * removed when it stops.
 */
final class DeploymentMBean implements DynamicMBean {

    private static final Logger LOG = Logger.getLogger(DeploymentMBean.class.getName());

    private final ServletContext context;
    private final SessionRegistry registry;
    private final ObjectName name;

    private DeploymentMBean(ServletContext context, SessionRegistry registry, ObjectName name) {
        this.context = context;
        this.registry = registry;
        this.name = name;
    }

    /** Registers the deployment's bean; null (and a warning) when JMX refuses it. */
    static DeploymentMBean register(ServletContext context, SessionRegistry registry) {
        try {
            String path = context.getContextPath().isEmpty() ? "/" : context.getContextPath();
            ObjectName name = new ObjectName("dev.switchboard:type=Deployment,context=" + ObjectName.quote(path));
            DeploymentMBean bean = new DeploymentMBean(context, registry, name);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // a deployment that did not stop cleanly
            }
            server.registerMBean(bean, name);
            return bean;
        } catch (JMException e) {
            LOG.log(Level.WARNING, "Switchboard's JMX bean not registered", e);
            return null;
        }
    }

    void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOG.log(Level.FINE, "unregistering " + name, e);
        }
    }

    /** The /stats figures as dotted paths to numbers. */
    private Map<String, Long> figures() {
        Map<String, Long> out = new LinkedHashMap<>();
        flatten("", StatsServlet.snapshot(context), out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Long> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Number n) {
                out.put(key, n.longValue());
            } else if (e.getValue() instanceof Map<?, ?> inner) {
                flatten(key + ".", inner, out);
            }
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Long value = figures().get(attribute);
        if (value == null) {
            throw new AttributeNotFoundException(attribute);
        }
        return value;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("the figures are read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Long> figures = figures();
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            if (figures.containsKey(a)) {
                list.add(new Attribute(a, figures.get(a)));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) throws ReflectionException {
        switch (action) {
            case "connections":
                return registry.describe().toArray(String[]::new);
            case "closeConnection": {
                String id = (String) params[0];
                boolean closed = registry.close(id, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                        "closed by an administrator"));
                LOG.info(() -> "JMX: connection " + id + (closed ? " closed" : " not found"));
                return closed;
            }
            case "drain": {
                Duration deadline = Duration.ofSeconds(((Number) params[0]).longValue());
                return Drain.run(context, deadline);
            }
            case "setLogLevel": {
                Logger logger = Logger.getLogger((String) params[0]);
                Level old = logger.getLevel();
                logger.setLevel(Level.parse(((String) params[1]).toUpperCase(java.util.Locale.ROOT)));
                LOG.info(() -> "JMX: logger " + params[0] + " level " + old + " -> " + logger.getLevel());
                return String.valueOf(old);
            }
            default:
                throw new ReflectionException(new NoSuchMethodException(action));
        }
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> attributes = new ArrayList<>();
        for (String key : figures().keySet()) {
            attributes.add(new MBeanAttributeInfo(key, "java.lang.Long", "/stats " + key, true, false, false));
        }
        MBeanOperationInfo[] operations = {
            new MBeanOperationInfo("connections", "open connections: id, address, user", new MBeanParameterInfo[0],
                    "[Ljava.lang.String;", MBeanOperationInfo.INFO),
            new MBeanOperationInfo("closeConnection", "closes one connection (1008) by its id",
                    new MBeanParameterInfo[] {new MBeanParameterInfo("id", "java.lang.String", "connection id")},
                    "boolean", MBeanOperationInfo.ACTION),
            new MBeanOperationInfo("drain", "before a planned stop: /health DOWN, new connections refused, STOMP"
                    + " sessions told and closed with 1001, the rest closed at the deadline; answers how many were open",
                    new MBeanParameterInfo[] {new MBeanParameterInfo("seconds", "int", "deadline")},
                    "int", MBeanOperationInfo.ACTION),
            new MBeanOperationInfo("setLogLevel", "sets a java.util.logging logger's level; answers the old one",
                    new MBeanParameterInfo[] {new MBeanParameterInfo("logger", "java.lang.String", "logger name"),
                        new MBeanParameterInfo("level", "java.lang.String", "SEVERE ... FINEST")},
                    "java.lang.String", MBeanOperationInfo.ACTION),
        };
        return new MBeanInfo(DeploymentMBean.class.getName(), "A Switchboard deployment",
                attributes.toArray(MBeanAttributeInfo[]::new), null, operations, null);
    }
}

package dev.switchboard.testing;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link LoopbackTomcatContainer} with Arquillian when the embedded Tomcat is the
 * container launched (Arquillian takes one container adapter per test JVM: the failsafe executions
 * for the standalone Tomcat and WildFly put their own adapter on the class path instead), and in
 * every case the {@link Containers.Preparation} that lays out what the launched container needs.
 */
public class LoopbackTomcatExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if ("tomcat".equals(Containers.launched())) {
            builder.service(DeployableContainer.class, LoopbackTomcatContainer.class);
        }
        builder.observer(Containers.Preparation.class);
    }
}

package dev.switchboard.testing;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers {@link LoopbackTomcatContainer} with Arquillian. */
public class LoopbackTomcatExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, LoopbackTomcatContainer.class);
    }
}

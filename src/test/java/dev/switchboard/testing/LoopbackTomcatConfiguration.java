package dev.switchboard.testing;

import org.jboss.arquillian.container.spi.ConfigurationException;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/** arquillian.xml properties of {@link LoopbackTomcatContainer}. */
public class LoopbackTomcatConfiguration implements ContainerConfiguration {

    private String bindAddress = "127.0.0.1";
    private int bindHttpPort = 0;
    private String tomcatHome = "target/arquillian-tomcat";

    @Override
    public void validate() throws ConfigurationException {
        if (bindHttpPort < 0 || bindHttpPort > 65535) {
            throw new ConfigurationException("bindHttpPort must be 0 (any free port) to 65535");
        }
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public int getBindHttpPort() {
        return bindHttpPort;
    }

    public void setBindHttpPort(int bindHttpPort) {
        this.bindHttpPort = bindHttpPort;
    }

    public String getTomcatHome() {
        return tomcatHome;
    }

    public void setTomcatHome(String tomcatHome) {
        this.tomcatHome = tomcatHome;
    }
}

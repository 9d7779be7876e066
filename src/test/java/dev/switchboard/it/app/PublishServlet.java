package dev.switchboard.it.app;

import dev.switchboard.api.Messaging;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Application code outside any handler: a servlet that publishes through the deployment's Messaging. */
@WebServlet("/publish")
public class PublishServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Messaging messaging = (Messaging) getServletContext().getAttribute(Messaging.class.getName());
        messaging.publish("/topic/from-servlet", request.getParameter("text"));
        response.setStatus(204);
    }
}

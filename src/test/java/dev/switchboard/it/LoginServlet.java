package dev.switchboard.it;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Test servlet: puts {@code nickname} into a new HTTP session, as a login page would. */
@WebServlet("/login")
public class LoginServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getSession(true).setAttribute("nickname", request.getParameter("nickname"));
        response.getWriter().write("ok");
    }
}

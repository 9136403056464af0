from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("specs_app.urls")),
]

handler400 = "studio.errors.bad_request"
handler403 = "studio.errors.forbidden"
handler404 = "studio.errors.not_found"
handler500 = "studio.errors.server_error"

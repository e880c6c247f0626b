from django.shortcuts import render


def unknown_host(request):
    """No collectivity answers on this host: a clear 404, rendered without any tenant data."""
    return render(request, "errors/unknown_host.html", {"hostname": request.get_host()}, status=404)


def control_plane_home(request):
    return render(request, "control_plane/home.html")

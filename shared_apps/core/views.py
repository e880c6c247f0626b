from django.shortcuts import render


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without a request context: the failure may come from the context itself.
    from django.http import HttpResponseServerError  # noqa: PLC0415
    from django.template import loader  # noqa: PLC0415

    return HttpResponseServerError(loader.get_template("errors/500.html").render())

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ejamkesda.accounts.models import Agency, User

admin.site.register(User, UserAdmin)
admin.site.register(Agency)

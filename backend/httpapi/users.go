package httpapi

import (
	"strconv"

	"headway/api"
	"headway/backend/store"
)

func consoleUserOut(u *store.ConsoleUser) *api.ConsoleUser {
	out := &api.ConsoleUser{
		Id:                strconv.FormatInt(u.ID, 10),
		Email:             u.Email,
		EmailVerified:     u.EmailVerified,
		Name:              u.Name,
		PreferredUsername: u.PreferredUsername,
		Picture:           u.Picture,
		Role:              api.Role(u.Role),
		RolePinned:        u.RolePinned,
		Groups:            u.Groups,
		CreatedAt:         u.CreatedAt,
		LastLoginAt:       u.LastLoginAt,
	}
	if out.Groups == nil {
		out.Groups = []string{}
	}
	if u.HeadscaleUserID != "" {
		out.HeadscaleUserId = &u.HeadscaleUserID
	}
	return out
}
